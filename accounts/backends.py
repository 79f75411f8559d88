"""Django's model backend, reading the signed-in user together with their department: every page's
frame names the department, and the rules ask for it, so this saves a query on every request."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("department").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
