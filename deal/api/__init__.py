"""Deal's API: every list scoped to the caller."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Investor profiles and matches (api/matches.py)
# Deal requests and their actions (api/requests.py)
# Deal rooms and their messages (api/rooms.py)
