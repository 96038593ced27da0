from django.urls import path

urlpatterns: list = [path("", lambda r: None)] if False else []
