"""Bodies, groups and their liaison contacts as the API shows them: the answers, and their OpenAPI schemas."""

from __future__ import annotations

from pydantic import Field

from liaison.core.schemas import PageOf, PageQuery, Schema, SearchText
from liaison.models import BODY_KINDS, GROUP_KINDS
from liaison.models import Body as StoredBody
from liaison.models import Contact as StoredContact
from liaison.models import Group as StoredGroup


class Contact(Schema):
    """A liaison contact of a group."""

    name: str
    role: str
    organization: str
    email: str
    phone: str

    @classmethod
    def of(cls, contact: StoredContact) -> Contact:
        return cls(
            name=contact.name,
            role=contact.role,
            organization=contact.organization,
            email=contact.email,
            phone=contact.phone,
        )


class Group(Schema):
    """A group: its body and parent by code, its contacts inline."""

    code: str = Field(description="A path such as `ITU-T/SG17/Q6`.")
    name: str
    kind: str = Field(json_schema_extra={"enum": list(GROUP_KINDS)})
    body: str = Field(description="Code of the body.")
    parent: str | None = Field(description="Code of the parent group, if any.")
    mandate: str
    url: str
    contacts: list[Contact]

    @classmethod
    def of(cls, group: StoredGroup) -> Group:
        return cls(
            code=group.code,
            name=group.name,
            kind=group.kind,
            body=group.body.code,
            parent=group.parent.code if group.parent is not None else None,
            mandate=group.mandate,
            url=group.url,
            contacts=[Contact.of(contact) for contact in group.contacts],
        )


class GroupQuery(PageQuery):
    """The query string of ``GET /groups``."""

    body: SearchText = Field("", description="Only the groups of this body (code).")


class GroupPage(PageOf[Group]):
    pass


class Body(Schema):
    """A body, with how many groups it has."""

    code: str
    name: str
    kind: str = Field(json_schema_extra={"enum": list(BODY_KINDS)})
    url: str
    group_count: int = Field(ge=0)

    @classmethod
    def of(cls, body: StoredBody, group_count: int) -> Body:
        return cls(code=body.code, name=body.name, kind=body.kind, url=body.url, group_count=group_count)


class BodyQuery(PageQuery):
    """The query string of ``GET /bodies``: paging only."""


class BodyPage(PageOf[Body]):
    pass
