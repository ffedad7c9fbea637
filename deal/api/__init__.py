"""Deal's API: every list scoped to the caller."""

from rest_framework.routers import SimpleRouter

from deal.api import matches as matches_api
from deal.api import requests as requests_api
from deal.api import rooms as rooms_api

router = SimpleRouter()
# Investor profiles and matches (api/matches.py)
router.register("investor-profiles", matches_api.InvestorProfileViewSet, basename="profile")
router.register("matches", matches_api.MatchViewSet, basename="match")
# Deal requests and their actions (api/requests.py)
router.register("deal-requests", requests_api.DealRequestViewSet, basename="deal-request")
# Deal rooms and their messages (api/rooms.py)
router.register("deal-rooms", rooms_api.DealRoomViewSet, basename="deal-room")
