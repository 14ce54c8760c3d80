from ninja import NinjaAPI

api = NinjaAPI(title="Najiz API", version="1", urls_namespace="api-v1", openapi_url="/schema", docs_url="/docs")
