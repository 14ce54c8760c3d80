app_name = "conveyance"
urlpatterns: list = []
