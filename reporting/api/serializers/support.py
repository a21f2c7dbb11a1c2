"""Trainee support (INDGEN): participant support payments and training statuses."""

from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from reporting.choices import SupportKind, TrainingStatusValue
from reporting.models import ParticipantSupport, TrainingStatus

from .fields import MONEY, _date, _id, _text


class ParticipantSupportSerializer(serializers.ModelSerializer):
    person = UserBriefSerializer(read_only=True)
    kind = serializers.ChoiceField(SupportKind.choices, read_only=True)
    training_program_name = serializers.CharField(
        source="training_program.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ParticipantSupport
        fields = [
            "id",
            "award",
            "person",
            "kind",
            "amount",
            "paid_from",
            "paid_to",
            "training_program",
            "training_program_name",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ParticipantSupportWriteSerializer(serializers.Serializer):
    """Shape only; services.participant_support_* check the rules (PATCH: partial=True)."""

    person = _id(help_text="User id of the person paid: the award's PI or a team member.")
    kind = serializers.ChoiceField(SupportKind.choices)
    amount = serializers.DecimalField(**MONEY, help_text="Dollars, more than zero.")
    paid_from = serializers.DateField(help_text="First day paid for, within the award.")
    paid_to = serializers.DateField(help_text="Last day paid for, within the award.")
    training_program = _id(
        required=False, allow_null=True, help_text="Id of one of the program's training programs."
    )
    note = _text(max_length=500)


class TrainingStatusSerializer(serializers.ModelSerializer):
    person = UserBriefSerializer(read_only=True)
    status = serializers.ChoiceField(TrainingStatusValue.choices, read_only=True)
    training_program_name = serializers.CharField(
        source="training_program.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = TrainingStatus
        fields = [
            "id",
            "person",
            "training_program",
            "training_program_name",
            "status",
            "status_date",
            "updated_at",
        ]
        read_only_fields = fields


class TrainingStatusWriteSerializer(serializers.Serializer):
    person = _id(help_text="User id: the award's PI or a team member.")
    training_program = _id(required=False, allow_null=True)
    status = serializers.ChoiceField(TrainingStatusValue.choices)
    status_date = _date(help_text="Required when completed or left; not in the future.")
