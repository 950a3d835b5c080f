"""The services behind the portal: one gRPC client each, called as the person.

Every call carries a token minted for the signed-in person (their id and
roles), so each service authorizes the person by id exactly as it would any
other caller; the portal never reads another service's database.
"""

from __future__ import annotations

from dataclasses import dataclass

from trellis.bidding.v1 import bidding_pb2_grpc
from trellis.mentorship.v1 import mentorship_pb2_grpc
from trellis.postings.v1 import postings_pb2_grpc
from trellis.profiles.v1 import profiles_pb2_grpc
from trellis_portal.config import PortalSettings
from trellis_shared.grpc.client import ServiceClient
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.settings import env_name

PORTAL_SERVICE = Principal("portal", frozenset({"service"}))


@dataclass
class Backends:
    profiles: ServiceClient
    postings: ServiceClient
    mentorship: ServiceClient
    bidding: ServiceClient

    # Stubs are cheap wrappers over a channel; built per use so a channel made
    # lazily inside the running loop is always the one in use.
    def profile_service(self) -> profiles_pb2_grpc.ProfileServiceAsyncStub:
        return profiles_pb2_grpc.ProfileServiceStub(self.profiles.channel)

    def org_chart(self) -> profiles_pb2_grpc.OrgChartServiceAsyncStub:
        return profiles_pb2_grpc.OrgChartServiceStub(self.profiles.channel)

    def taxonomy(self) -> profiles_pb2_grpc.TaxonomyServiceAsyncStub:
        return profiles_pb2_grpc.TaxonomyServiceStub(self.profiles.channel)

    def opportunities(self) -> postings_pb2_grpc.OpportunityServiceAsyncStub:
        return postings_pb2_grpc.OpportunityServiceStub(self.postings.channel)

    def applications(self) -> postings_pb2_grpc.ApplicationServiceAsyncStub:
        return postings_pb2_grpc.ApplicationServiceStub(self.postings.channel)

    def interviews(self) -> postings_pb2_grpc.InterviewServiceAsyncStub:
        return postings_pb2_grpc.InterviewServiceStub(self.postings.channel)

    def recommendations(self) -> postings_pb2_grpc.RecommendationServiceAsyncStub:
        return postings_pb2_grpc.RecommendationServiceStub(self.postings.channel)

    def mentoring(self) -> mentorship_pb2_grpc.MentorshipServiceAsyncStub:
        return mentorship_pb2_grpc.MentorshipServiceStub(self.mentorship.channel)

    def matching(self) -> mentorship_pb2_grpc.MatchingServiceAsyncStub:
        return mentorship_pb2_grpc.MatchingServiceStub(self.mentorship.channel)

    def catalog(self) -> bidding_pb2_grpc.CatalogServiceAsyncStub:
        return bidding_pb2_grpc.CatalogServiceStub(self.bidding.channel)

    def rounds(self) -> bidding_pb2_grpc.RoundServiceAsyncStub:
        return bidding_pb2_grpc.RoundServiceStub(self.bidding.channel)

    def bids(self) -> bidding_pb2_grpc.BidServiceAsyncStub:
        return bidding_pb2_grpc.BidServiceStub(self.bidding.channel)

    async def close(self) -> None:
        for client in (self.profiles, self.postings, self.mentorship, self.bidding):
            await client.close()


def build_backends(settings: PortalSettings, codec: TokenCodec) -> Backends:
    def client(peer: str, address: str, field: str) -> ServiceClient:
        return ServiceClient(
            peer=peer,
            address=address,
            setting=env_name(PortalSettings, field),
            codec=codec,
            caller=PORTAL_SERVICE,
            timeout_s=settings.portal_call_timeout_s,
        )

    return Backends(
        profiles=client("profiles", settings.profiles_addr, "profiles_addr"),
        postings=client("postings", settings.postings_addr, "postings_addr"),
        mentorship=client("mentorship", settings.mentorship_addr, "mentorship_addr"),
        bidding=client("bidding", settings.bidding_addr, "bidding_addr"),
    )
