"""CRM: leads, deals in pipelines, contacts, companies, products, activities,
comments and history, custom fields, sales plans and per-team settings.

Money is kept in minor units (kopecks, cents) as integers on every engine.
Links from a lead to what it became are plain ids (no cycle of foreign keys);
the way back (deal/contact/company -> lead) is a foreign key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class CrmSettings(Base):
    __tablename__ = "crm_settings"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    # what an employee sees besides their own records: own | department | all
    visibility: Mapped[str] = mapped_column(String(16), default="own")
    currency: Mapped[str] = mapped_column(String(3), default="RUB")


class CrmGrant(Base):
    """An extranet member allowed into the CRM (they see the records they are responsible for)."""

    __tablename__ = "crm_grants"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmPipeline(Base):
    __tablename__ = "crm_pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    sort: Mapped[int] = mapped_column(Integer, default=0)


class CrmStage(Base):
    """A deal stage in a pipeline, or (pipeline_id NULL) a lead status."""

    __tablename__ = "crm_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    pipeline_id: Mapped[int | None] = mapped_column(
        ForeignKey("crm_pipelines.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))
    # empty for the built-in ones: their name is translated from the code
    name: Mapped[str] = mapped_column(String(100), default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    # open | won | lost (deals); open | junk | converted (leads)
    kind: Mapped[str] = mapped_column(String(12), default="open")


class CrmCompany(Base):
    __tablename__ = "crm_companies"
    __table_args__ = (
        Index("ix_crm_companies_team_name", "team_id", "name_key"),
        Index("ix_crm_companies_team_phone_nsn", "team_id", "phone_nsn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(64), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")
    # what numbers are matched by (services.crm_phones.national_number): the same for
    # "+7 912 123-45-67", "8 912 123-45-67" and "912 123 45 67"
    phone_nsn: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("crm_leads.id", ondelete="SET NULL"))
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmContact(Base):
    __tablename__ = "crm_contacts"
    __table_args__ = (
        Index("ix_crm_contacts_team_phone", "team_id", "phone_key"),
        Index("ix_crm_contacts_team_phone_nsn", "team_id", "phone_nsn"),
        Index("ix_crm_contacts_team_email", "team_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(64), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")
    # what numbers are matched by (services.crm_phones.national_number): the same for
    # "+7 912 123-45-67", "8 912 123-45-67" and "912 123 45 67"
    phone_nsn: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("crm_companies.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("crm_leads.id", ondelete="SET NULL"))
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmLead(Base):
    __tablename__ = "crm_leads"
    __table_args__ = (
        Index("ix_crm_leads_team_phone", "team_id", "phone_key"),
        Index("ix_crm_leads_team_phone_nsn", "team_id", "phone_nsn"),
        Index("ix_crm_leads_team_email", "team_id", "email"),
        Index("ix_crm_leads_team_name", "team_id", "name_key", "company_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200), default="")
    company_key: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")
    # what numbers are matched by (services.crm_phones.national_number): the same for
    # "+7 912 123-45-67", "8 912 123-45-67" and "912 123 45 67"
    phone_nsn: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # call | email | messenger | web | import | other
    source: Mapped[str] = mapped_column(String(16), default="other")
    status_id: Mapped[int] = mapped_column(ForeignKey("crm_stages.id", ondelete="RESTRICT"))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deal_id: Mapped[int | None] = mapped_column(Integer)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    company_id: Mapped[int | None] = mapped_column(Integer)
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class CrmDeal(Base):
    __tablename__ = "crm_deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("crm_pipelines.id", ondelete="RESTRICT"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("crm_stages.id", ondelete="RESTRICT"))
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("crm_leads.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("crm_contacts.id", ondelete="SET NULL"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("crm_companies.id", ondelete="SET NULL"), index=True
    )
    lost_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmProduct(Base):
    __tablename__ = "crm_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CrmDealItem(Base):
    __tablename__ = "crm_deal_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("crm_deals.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("crm_products.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    discount: Mapped[int] = mapped_column(Integer, default=0)  # percent
    price: Mapped[int] = mapped_column(BigInteger, default=0)  # unit price when added
    # the price's currency (the product's when added); a deal's lines share one
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)


class CrmActivity(Base):
    __tablename__ = "crm_activities"
    __table_args__ = (Index("ix_crm_activities_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(8))  # lead | deal | contact | company
    entity_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # call | meeting | todo
    subject: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmNote(Base):
    """A comment (text) or a history entry (an English msgid in `text`, its `params`)."""

    __tablename__ = "crm_notes"
    __table_args__ = (Index("ix_crm_notes_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(8))
    entity_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # comment | history
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmField(Base):
    __tablename__ = "crm_fields"
    __table_args__ = (UniqueConstraint("team_id", "entity", "name", name="uq_crm_fields_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))  # text | number | date | list
    options: Mapped[list[str]] = mapped_column(JSON, default=list)


class CrmPlan(Base):
    __tablename__ = "crm_plans"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "month", name="uq_crm_plans_user_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    kind: Mapped[str] = mapped_column(String(8), default="amount")  # amount | count
    target: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units or deals


class CrmDraft(Base):
    """Input waiting for a decision: a record that looks like a duplicate, an import preview."""

    __tablename__ = "crm_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmForm(Base):
    """A public web page with a form (a "lead page"): what people send becomes a lead
    of the form's responsible person, source "web form". The token is the page's
    address, long enough not to be guessed."""

    __tablename__ = "crm_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CrmFormSend(Base):
    """A send a lead page took, by what recognises it when it comes again (a double
    click, a browser's retry, another process): the token its page was drawn with, or
    for a copy of the form without one the sender and what they typed in a window of
    minutes. The key is unique per form, so a repeat creates nothing on any process."""

    __tablename__ = "crm_form_sends"
    __table_args__ = (UniqueConstraint("form_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("crm_forms.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("crm_leads.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
