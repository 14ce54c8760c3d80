app_name = "einstruments"
urlpatterns: list = []
