/** Media types the OCI layer reads and writes (OCI image spec, Docker v2, Flux). */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** The OCI image config (cosign's signature images carry one). */
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

/** What we send as Accept for manifests. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST];

/** Flux (fluxcd/pkg oci/constants.go). */
export const FLUX_CONFIG = 'application/vnd.cncf.flux.config.v1+json';
export const FLUX_CONTENT_PREFIX = 'application/vnd.cncf.flux.content.v1';
export const FLUX_CONTENT_TARGZ = `${FLUX_CONTENT_PREFIX}.tar+gzip`;

/** Layer types ocilab can unpack as a tarball (Flux's, plain OCI/Docker layer tarballs as crane appends them). */
export const TARBALL_LAYER_TYPES = [
  FLUX_CONTENT_TARGZ,
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar',
];

export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const ANNOTATION_SOURCE = 'org.opencontainers.image.source';
export const ANNOTATION_REVISION = 'org.opencontainers.image.revision';
