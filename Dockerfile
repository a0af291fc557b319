# syntax=docker/dockerfile:1
# FlagDashboard as one container: SQLite and everything else it keeps live in the /data volume.
#   docker build -t flagdashboard .
#   docker run -d -p 5080:5080 -v flagdashboard-data:/data flagdashboard
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY FlagDashboard.Core/FlagDashboard.Core.csproj FlagDashboard.Core/
COPY FlagDashboard.Migrations.Postgres/FlagDashboard.Migrations.Postgres.csproj FlagDashboard.Migrations.Postgres/
COPY FlagDashboard/FlagDashboard.csproj FlagDashboard/
RUN dotnet restore FlagDashboard/FlagDashboard.csproj
COPY wwwroot-assets/package.json wwwroot-assets/package-lock.json wwwroot-assets/
RUN cd wwwroot-assets && npm ci --no-audit --no-fund
COPY wwwroot-assets/ wwwroot-assets/
COPY FlagDashboard.Core/ FlagDashboard.Core/
COPY FlagDashboard.Migrations.Postgres/ FlagDashboard.Migrations.Postgres/
COPY FlagDashboard/ FlagDashboard/
RUN dotnet publish FlagDashboard/FlagDashboard.csproj -c Release -o /app --no-restore

FROM ${RUNTIME_IMAGE} AS final
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown 1654:1654 /data
# The runtime images' non-root "app" user (uid 1654).
USER 1654
ENV Urls=http://+:5080 \
    Database__DataDirectory=/data \
    DOTNET_gcServer=0
VOLUME ["/data"]
EXPOSE 5080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "FlagDashboard.dll", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "FlagDashboard.dll"]
