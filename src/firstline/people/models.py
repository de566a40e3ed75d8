"""People and where they live: one record per person, residences with history, vulnerable groups."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from firstline.common.identity import IdType


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class Vaccination(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    NONE = "none", _("Not vaccinated")
    ONE_DOSE = "one_dose", _("One dose")
    TWO_DOSES = "two_doses", _("Two doses")
    BOOSTER = "booster", _("Booster")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by staff")
    IMPORT = "import", _("Imported list")
    SELF_REGISTRATION = "self_registration", _("Online self-registration")
    VISIT = "visit", _("Door-to-door visit")


class Person(models.Model):
    name = models.CharField(_("name"), max_length=60, db_index=True)
    id_type = models.CharField(
        _("ID document"), max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    # The number itself is only ever stored sealed (AES-GCM); the keyed hash serves lookups and
    # uniqueness; the masked form serves pages. See common/crypto.py.
    id_sealed = models.BinaryField(null=True, blank=True, editable=False)
    id_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=24, blank=True, default="", editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="", db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("birth date estimated from age"), default=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    vaccination = models.CharField(
        _("vaccination"), max_length=16, choices=Vaccination.choices, default=Vaccination.UNKNOWN
    )
    returned_from = models.CharField(_("returned from"), max_length=100, blank=True, default="")
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    import_job = models.ForeignKey(
        "imports.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    # No index: almost every row is NULL here, and an index on it lures SQLite's planner into
    # scanning the whole registry for "merged_into IS NULL" instead of using the name index.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=models.Q(id_hash__isnull=False), name="person_id_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    RELATIVE = "relative", _("Other relative")
    # A live-in nanny or carer (保姆, 护工): not family, but sealed in and sampled with the household.
    HELPER = "helper", _("Live-in helper")
    OTHER = "other", _("Other")


class ResidenceStatus(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    TENANT = "tenant", _("Tenant")
    TEMPORARY = "temporary", _("Temporary")


class Residence(models.Model):
    """A person's membership of a household over time. At most one is open (moved_out empty)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residences")
    household = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="residences")
    relation = models.CharField(
        _("relation"), max_length=16, choices=Relation.choices, default=Relation.OTHER
    )
    status = models.CharField(
        _("residence status"),
        max_length=16,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.RESIDENT,
    )
    moved_in = models.DateField(_("moved in"), null=True, blank=True)
    moved_out = models.DateField(_("moved out"), null=True, blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_current=True), name="one_current_residence"
            ),
        ]
        indexes = [models.Index(fields=["household", "is_current"])]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.household_id}"


class VulnerabilityTag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    PREGNANT = "pregnant", _("Pregnant")
    INFANT = "infant", _("Infant")
    MOBILITY_IMPAIRED = "mobility_impaired", _("Mobility-impaired")
    CHRONIC_MEDICATION = "chronic_medication", _("Chronic medication")
    DIALYSIS = "dialysis", _("Dialysis")
    LOW_INCOME = "low_income", _("Low-income household")
    OTHER = "other", _("Other need")


class Vulnerability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerabilities")
    tag = models.CharField(_("group"), max_length=24, choices=VulnerabilityTag.choices)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="vulnerability_unique")]
        indexes = [models.Index(fields=["tag"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.tag}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not the same person")


class DuplicateCandidate(models.Model):
    """Two records that may be one person (same name and phone in one household, no ID to tell)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="duplicate_pair_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id}"
