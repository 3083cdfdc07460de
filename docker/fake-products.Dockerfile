# syntax=docker/dockerfile:1
# fake-products (the product API stand-in) image. Build context: the repository root.
#   docker build -f docker/fake-products.Dockerfile -t fake-products .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY fake-products/pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY fake-products/src ./src
RUN mvn -B -ntp -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN groupadd --system app && useradd --system --gid app --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=build /build/target/fake-products.jar /app/fake-products.jar
USER app
# ADMIN_ENABLED=true turns on the /__admin fault switches; CATALOG_SIZE and CATALOG_SEED shape the catalog.
ENV PORT=8001
EXPOSE 8001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT:-8001}/api/product/?page=1" || exit 1
ENTRYPOINT ["java","-XX:+UseContainerSupport","-jar","/app/fake-products.jar"]
