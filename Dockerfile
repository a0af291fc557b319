# syntax=docker/dockerfile:1
# FlagDashboard as one container. The SQLite database and everything else the app keeps live in the /data volume.
#   docker build -t flagdashboard .
#   docker run -d --name flagdashboard -p 5080:5080 -v flagdashboard-data:/data flagdashboard
# The app is published self-contained, so the final image needs only the runtime's native dependencies.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0

FROM ${SDK_IMAGE} AS build
ARG TARGETARCH
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY FlagDashboard.Core/FlagDashboard.Core.csproj FlagDashboard.Core/
COPY FlagDashboard.Migrations.Postgres/FlagDashboard.Migrations.Postgres.csproj FlagDashboard.Migrations.Postgres/
COPY FlagDashboard/FlagDashboard.csproj FlagDashboard/
RUN rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
    && echo "$rid" > /rid \
    && dotnet restore FlagDashboard/FlagDashboard.csproj -r "$rid"
COPY wwwroot-assets/package.json wwwroot-assets/package-lock.json wwwroot-assets/
RUN cd wwwroot-assets && npm ci --no-audit --no-fund
COPY wwwroot-assets/ wwwroot-assets/
COPY FlagDashboard.Core/ FlagDashboard.Core/
COPY FlagDashboard.Migrations.Postgres/ FlagDashboard.Migrations.Postgres/
COPY FlagDashboard/ FlagDashboard/
RUN dotnet publish FlagDashboard/FlagDashboard.csproj -c Release -r "$(cat /rid)" --self-contained -o /app --no-restore

FROM ${RUNTIME_IMAGE} AS final
WORKDIR /app
COPY --from=build /app ./
# uid 1654 is the official images' non-root "app" user; a numeric USER works on any base.
RUN mkdir -p /data && chown 1654:1654 /data
USER 1654
ENV Urls=http://+:5080 \
    Database__DataDirectory=/data \
    HOME=/data \
    DOTNET_gcServer=0
VOLUME ["/data"]
EXPOSE 5080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/app/FlagDashboard", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/FlagDashboard"]
