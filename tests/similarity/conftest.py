"""Small hand-written child-online-protection fixtures for the similarity engine tests."""

from __future__ import annotations

import pytest

from liaison.similarity import Document, Engine

COP_DOCS = (
    Document("ITU-T COP-1", "Guidelines for industry on child online protection",
             "Guidance for companies providing online services on how to protect children from harm "
             "and support their safety online.", ("child online protection", "industry"), "ITU-D/SG2/Q3", "ITU-D"),
    Document("X.1901", "Age assurance framework",
             "A framework for age assurance methods, including age estimation and age verification of "
             "users of online services.", ("age assurance", "age verification"), "ITU-T/SG17/Q6", "ITU-T"),
    Document("ISO 27566-1", "Age assurance systems - Part 1: Framework",
             "Principles and framework for age assurance systems, covering age verification and age "
             "estimation.", ("age assurance",), "ISO/IEC JTC1/SC27", "ISO/IEC"),
    Document("EN-KIDS", "Online safety of children and age verification",
             "Requirements for age verification to keep children safe on social media platforms; "
             "builds on X.1901.", ("age verification", "online safety"), "CEN/JTC19", "CEN"),
    Document("TS 23.501", "5G network slicing architecture",
             "System architecture for network slicing in 5G core networks and quality of service.",
             ("network slicing",), "3GPP/SA2", "3GPP"),
    Document("Y.4500", "Smart city digital twin reference model",
             "Reference model for digital twins of cities and urban infrastructure.",
             ("smart city",), "ITU-T/SG20", "ITU-T"),
    Document("P-CSAM", "Detection of child sexual abuse material in cloud storage",
             "Techniques for hashing and detecting known abuse imagery at scale.",
             ("csam", "hashing"), "IETF / privacy", "IETF"),
)


@pytest.fixture
def docs() -> list[Document]:
    """The COP fixture documents."""
    return list(COP_DOCS)


@pytest.fixture
def engine(docs: list[Document]) -> Engine:
    """An engine fitted on the COP fixtures."""
    return Engine().fit(docs)
