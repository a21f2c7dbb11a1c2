from django.urls import path

from . import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/token/", views.MeTokenView.as_view(), name="api-me-token"),
    path("people/", views.PeopleView.as_view(), name="api-people"),
]
