app_name = "nafath"
urlpatterns: list = []
