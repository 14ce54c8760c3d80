app_name = "verify_instrument"
urlpatterns: list = []
