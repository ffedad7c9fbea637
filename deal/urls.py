from django.urls import path

from deal.views import matches

app_name = "deal"

urlpatterns = [
    path("", matches.index, name="index"),
    # Investor profiles, "Plans for you", "Investors for this plan", re-scoring (views/matches.py)
    # Deal requests: sending, the investor inbox, sent requests, decisions (views/requests.py)
    # Deal rooms: messages, documents, meetings, outcome, timeline (views/rooms.py)
]
