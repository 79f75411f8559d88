"""Admin for the reminder ledger: what was sent to whom, and how each delivery went. Read-only:
the rows are the proof that a reminder went out, written by the reminder run alone."""

from django.contrib import admin

from campaign.models import DeliveryAttempt, Reminder, ReminderDigest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReminderInline(admin.TabularInline):
    model = Reminder
    fields = ("task", "step", "days_left")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("channel", "attempt", "succeeded", "error", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReminderDigest)
class ReminderDigestAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "run_date", "items", "created")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "recipient__last_name", "recipient__first_name")
    date_hierarchy = "run_date"
    inlines = (ReminderInline, DeliveryAttemptInline)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("task", "step", "recipient", "days_left", "created")
    list_filter = ("step", "task__kind")
    list_select_related = ("task", "recipient")
    search_fields = ("task__code", "task__title", "recipient__username", "recipient__last_name")
    date_hierarchy = "created"


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ("digest", "channel", "attempt", "succeeded", "created")
    list_filter = ("channel", "succeeded")
    list_select_related = ("digest__recipient",)
    search_fields = ("digest__recipient__username", "digest__recipient__last_name", "error")
    date_hierarchy = "created"
