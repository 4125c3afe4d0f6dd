package podero

import "time"

// DefaultTokenLifetime is the access token lifetime Podero documents, used
// when the token endpoint does not say.
const DefaultTokenLifetime = 36000 * time.Second
