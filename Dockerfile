# syntax=docker/dockerfile:1
# TaxGenius.Web container image.
#   docker build -t taxgenius-web .        (docker-compose.yml builds it for you: docker compose up --build)
# Only TaxGenius.Core and TaxGenius.Web go into the build; the test projects stay outside (see .dockerignore).

# ---------------------------------------------------------------------------------------------------------------------
# Build: restore from the project files alone (a cached layer until a csproj or a package version changes), then publish.
# ---------------------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

COPY global.json Directory.Build.props Directory.Packages.props .editorconfig TaxGenius.sln dotnet-tools.json ./
COPY TaxGenius.Core/TaxGenius.Core.csproj TaxGenius.Core/
COPY TaxGenius.Web/TaxGenius.Web.csproj TaxGenius.Web/
RUN dotnet restore TaxGenius.Web/TaxGenius.Web.csproj

COPY TaxGenius.Core/ TaxGenius.Core/
COPY TaxGenius.Web/ TaxGenius.Web/
# Native libraries for Windows and Apple systems (ImageMagick's alone are ~150 MB) have no use in a Linux image.
RUN dotnet publish TaxGenius.Web/TaxGenius.Web.csproj -c Release -o /app --no-restore \
    && rm -rf /app/runtimes/win-* /app/runtimes/osx-* /app/runtimes/maccatalyst-*

# ---------------------------------------------------------------------------------------------------------------------
# Runtime: ASP.NET Core only, as the image's non-root `app` user.
# ---------------------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# The data folder (TaxGenius:DataPath): stored documents, the e-mail outbox. Created here and owned by the app user so
# that a named volume mounted on it starts with that ownership (Docker copies it from the image on first use).
RUN mkdir -p /data && chown "$APP_UID" /data

# pg_dump and pg_restore for `backup` and `restore` (the image's Ubuntu 24.04 ships PostgreSQL 16's client, as compose's server).
# Tesseract (with its English model) for document recognition: photographed and scanned documents are read on this server.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

# ASPNETCORE_HTTP_PORTS (8080 in the base image) is cleared so Kestrel does not warn that ASPNETCORE_URLS overrides it.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_ENVIRONMENT=Production \
    TaxGenius__DataPath=/data

COPY --from=build /app ./

USER $APP_UID
VOLUME /data
EXPOSE 8080

# No HEALTHCHECK here: the aspnet image has neither curl nor wget. docker-compose.yml checks /health/ready instead
# (with bash's /dev/tcp); other orchestrators should probe GET /health/live and GET /health/ready on port 8080.

# `docker run … taxgenius-web migrate` applies pending EF Core migrations and exits (the compose `migrate` service).
ENTRYPOINT ["dotnet", "TaxGenius.Web.dll"]
