# popcheck on Debian 12: an image with the Debian package of this tree installed, popcheck its entry point.
#
#   docker build -t popcheck .
#   docker run --rm popcheck run                       # the bundled seed suite on the embedded emulator
#   docker run --rm -v "$PWD:/src" -w /src popcheck run --cases cases --report-dir reports
#
# The first stage builds the package as the README says (release preset, then cpack -G DEB); the second
# installs that one file with apt, which brings the runtime libraries the package Depends on.
FROM debian:12 AS package
WORKDIR /src
COPY . .
# dpkg-dev (dpkg-shlibdeps) and file compute the package's Depends.
RUN bash scripts/setup.sh build \
 && apt-get update -qq && apt-get install -y -qq --no-install-recommends dpkg-dev file >/dev/null \
 && cmake --preset release \
 && cmake --build --preset release -j"$(nproc)" \
 && cpack -G DEB --config build/release/CPackConfig.cmake -B /deb

FROM debian:12
COPY --from=package /deb/popcheck_*.deb /tmp/
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends /tmp/popcheck_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/popcheck_*.deb \
 && popcheck --version
WORKDIR /work
ENTRYPOINT ["popcheck"]
CMD ["--help"]
