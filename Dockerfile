# A small static image of gongkai, run as a non-root user, with the archive
# under a volume:
#   docker build -t gongkai .
#   docker run -d --name gongkai -p 8080:8080 \
#     -v "$PWD/gongkai.yaml:/etc/gongkai/gongkai.yaml:ro" -v gongkai-data:/var/lib/gongkai gongkai
#   docker kill -s HUP gongkai     # reload the config's sources
# The config must listen on all interfaces inside the container
# (web: {listen: "0.0.0.0:8080"}); the -db flag below puts the archive on
# the volume whatever the config's db says.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off gives a static binary; -buildvcs stamps the revision that
# "gongkai version" prints (the .git directory is in the build context).
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=auto -ldflags="-s -w" -o /out/gongkai ./cmd/gongkai \
 && mkdir -p /out/var/lib/gongkai /out/etc/gongkai

FROM scratch
# CA roots for https sites and webhooks; the time zone database is
# compiled into the binary (time/tzdata).
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/gongkai /gongkai
COPY --from=build --chown=65532:65532 /out/var/lib/gongkai /var/lib/gongkai
COPY --from=build /out/etc/gongkai /etc/gongkai
USER 65532:65532
WORKDIR /var/lib/gongkai
VOLUME ["/var/lib/gongkai"]
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/gongkai"]
CMD ["run", "-config", "/etc/gongkai/gongkai.yaml", "-db", "/var/lib/gongkai/gongkai.db"]
