"""Controlled vocabularies, one TextChoices per concept."""

from django.db import models


class DatePrecision(models.TextChoices):
    """How much of a date a source gives. The stored date is the first day of the known period."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


class Role(models.TextChoices):
    """What a state did in an exercise. Left empty when no source says (never guessed)."""

    HOST = "host", "Host"
    LEAD = "lead", "Lead"
    PARTICIPANT = "participant", "Participant"
    OBSERVER = "observer", "Observer"


class Qualifier(models.TextChoices):
    """How a source qualifies a troop figure."""

    EXACT = "exact", "Exact"
    ABOUT = "about", "About"
    AT_LEAST = "at_least", "At least"
    UP_TO = "up_to", "Up to"


class FigureBasis(models.TextChoices):
    """Where a troop figure comes from, as far as the source lets us tell."""

    DECLARED = "declared", "Declared (by a participating government)"
    OBSERVED = "observed", "Observed (counted by observers)"
    ESTIMATED = "estimated", "Estimated (by another government or analysts)"
    REPORTED = "reported", "Reported (by the press, origin not stated)"


class ThreatType(models.TextChoices):
    """What an episode of an exercise rehearsed."""

    INSURGENT_INCURSION = "insurgent_incursion", "Insurgent incursion"
    TERRORISM = "terrorism", "Terrorism"
    CIVIL_UNREST = "civil_unrest", "Civil unrest"
    AMPHIBIOUS_LANDING = "amphibious_landing", "Amphibious landing"
    AIR_ATTACK = "air_attack", "Air attack"
    AIR_DEFENCE = "air_defence", "Air defence"
    CONVENTIONAL_WAR = "conventional_war", "Conventional war"
    NAVAL_WARFARE = "naval_warfare", "Naval warfare"
    PEACEKEEPING = "peacekeeping", "Peacekeeping"
    HUMANITARIAN = "humanitarian", "Humanitarian relief"
    CYBER = "cyber", "Cyber"
    NUCLEAR = "nuclear", "Nuclear"
    OTHER = "other", "Other"


class AdversaryBasis(models.TextChoices):
    """Whether the notional adversary is named by a source or read into it."""

    STATED = "stated", "Stated by the source"
    INFERRED = "inferred", "Inferred by the source"
    UNKNOWN = "unknown", "Not given"


class ForceSide(models.TextChoices):
    """Which side of the scenario a force played."""

    EXERCISING = "exercising", "Exercising forces"
    OPPOSING = "opposing", "Opposing (notional adversary)"


class ForceKind(models.TextChoices):
    """What kind of force or equipment."""

    FORMATION = "formation", "Formation or unit"
    GROUND_TROOPS = "ground_troops", "Ground troops"
    NAVAL = "naval", "Naval forces"
    COAST_GUARD = "coast_guard", "Coast guard"
    AIRCRAFT = "aircraft", "Aircraft"
    HELICOPTER = "helicopter", "Helicopters"
    ARTILLERY = "artillery", "Artillery"
    AIR_DEFENCE = "air_defence", "Air defence"
    VESSEL = "vessel", "Vessels"
    IRREGULAR = "irregular", "Irregular or militant forces"
    OTHER = "other", "Other"


class LocationKind(models.TextChoices):
    REGION = "region", "Region"
    CITY_VICINITY = "city_vicinity", "City or its vicinity"
    SEA = "sea", "Sea"
    RANGE = "range", "Training range"
    SITE = "site", "Site"
    COUNTRY = "country", "Country"


class RelationKind(models.TextChoices):
    """How two exercises relate. Phases use ``Exercise.parent`` instead."""

    CONCURRENT = "concurrent", "Held concurrently with"
    FOLLOWS = "follows", "Follows (earlier edition)"
    RELATED = "related", "Related to"


class MembershipStatus(models.TextChoices):
    MEMBER = "member", "Member"
    SUSPENDED = "suspended", "Suspended"
    OBSERVER = "observer", "Observer"
    PARTNER = "partner", "Partner"


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    OFFICIAL_DOCUMENT = "official_document", "Official document or treaty"
    LEAKED_DOCUMENT = "leaked_document", "Leaked or unofficially published document"
    BROADCAST = "broadcast", "Broadcast"
    DATA_SET = "data_set", "Data set"
    REFERENCE = "reference", "Reference work or gazetteer"
    OTHER = "other", "Other"


class OrganisationKind(models.TextChoices):
    ALLIANCE = "alliance", "Military alliance"
    SECURITY = "security", "Security organisation"
    REGIONAL = "regional", "Regional organisation"
    UNION = "union", "Political or economic union"
    OTHER = "other", "Other"


class CodeSystem(models.TextChoices):
    """The political-science state lists whose codes ``StateCode`` holds (``country=cow:365``)."""

    COW = "cow", "Correlates of War"
    GW = "gw", "Gleditsch-Ward"
