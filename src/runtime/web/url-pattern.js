// URLPattern (WHATWG URL Pattern Standard). The implementation is the urlpattern-polyfill
// package's ponyfill build (no global patching); it canonicalizes components with the global
// URL, which here is the host-backed one. Loaded only when a worker first touches URLPattern.
import { URLPattern } from 'urlpattern-polyfill/urlpattern';

// Not part of the standard and not exposed by Workers.
delete URLPattern.compareComponent;

export { URLPattern };
