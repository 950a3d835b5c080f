"""Portal settings from TRELLIS_* environment variables (see the service README)."""

from __future__ import annotations

from pydantic import Field

from trellis_shared.settings import TrellisSettings


class PortalSettings(TrellisSettings):
    portal_host: str = Field(default="0.0.0.0", description="HTTP listen host")
    portal_port: int = Field(default=8000, ge=0, le=65535, description="HTTP listen port")
    portal_public_url: str = Field(
        default="http://localhost:8000",
        description="the address people use; https:// turns on Secure cookies and OIDC redirects",
    )
    portal_database: str = Field(default="trellis_portal", description="own database")
    portal_consumer_group: str = Field(default="trellis-portal")
    profiles_addr: str = Field(default="localhost:50051", description="the profiles service")
    postings_addr: str = Field(default="localhost:50052", description="the postings service")
    mentorship_addr: str = Field(default="localhost:50053", description="the mentorship service")
    bidding_addr: str = Field(default="localhost:50054", description="the bidding service")
    portal_call_timeout_s: float = Field(default=15.0, gt=0, description="deadline per gRPC call")
    portal_session_hours: float = Field(
        default=10.0, gt=0, le=24 * 30, description="how long a sign-in lasts"
    )
    portal_dev_login: bool = Field(
        default=True,
        description="offer the built-in sign-in over demo people (turn off in production)",
    )
    portal_hr_department: str = Field(
        default="People",
        description="dev sign-in only: people in this department sign in with the hr_admin role",
    )
    oidc_issuer: str = Field(default="", description="OpenID Connect issuer URL (production)")
    oidc_jwks_url: str = Field(default="", description="JWKS URL of the issuer's signing keys")
    oidc_audience: str = Field(default="", description="expected `aud` of tokens from the issuer")
    oidc_client_id: str = Field(default="", description="client id for the browser sign-in")
    oidc_client_secret: str = Field(default="", description="client secret for the code exchange")
    oidc_authorization_url: str = Field(default="", description="the issuer's authorize endpoint")
    oidc_token_url: str = Field(default="", description="the issuer's token endpoint")
    oidc_subject_claim: str = Field(
        default="employee_id",
        description="the claim naming the employee id (falls back to `sub`)",
    )
    oidc_roles_claim: str = Field(
        default="roles", description="the claim listing Trellis roles (employee, manager, hr_admin)"
    )
    portal_notification_poll_s: float = Field(
        default=1.0, gt=0, description="how often a live notification stream looks for news"
    )

    @property
    def secure_cookies(self) -> bool:
        return self.portal_public_url.startswith("https://")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_jwks_url)
