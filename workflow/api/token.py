"""/api/token/: an API token for the e-mail address and password, as DRF's own endpoint gives,
except that a person with two-factor login must also send the code from the authenticator app
(or a backup code) in the field ``code``.  Without it the password alone would be a way past
the second factor."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from programme import services_two_factor
from programme.errors import RuleViolation


# The schema's name from before the code was added, so that clients generated from it still fit.
@extend_schema_serializer(component_name="AuthToken")
class TokenRequestSerializer(AuthTokenSerializer):
    code = serializers.CharField(
        label=_("Code"),
        help_text=_("For an account with two-factor login: the code from the authenticator app, or a backup code."),
        required=False,
        allow_blank=True,
        max_length=24,
        write_only=True,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        user = attrs["user"]
        if services_two_factor.must_turn_on(user):
            raise serializers.ValidationError(
                _(
                    "Your programme requires two-factor login of its staff: turn it on from your account page "
                    "in the browser before you ask for a token."
                ),
                code="authorization",
            )
        if not services_two_factor.has_two_factor(user):
            return attrs
        code = attrs.get("code") or ""
        if not code:
            raise serializers.ValidationError(
                {
                    "code": _(
                        "Two-factor login is on for this account: send the code from the authenticator app "
                        "(or a backup code) in the field “code” as well."
                    )
                },
                code="authorization",
            )
        try:
            services_two_factor.two_factor_code_check(user=user, code=code)
        except RuleViolation as refused:
            raise serializers.ValidationError({"code": refused.message}, code="authorization") from None
        return attrs


class ObtainTokenView(ObtainAuthToken):
    serializer_class = TokenRequestSerializer


obtain_token = ObtainTokenView.as_view()
