// Package vendors lists the vendors this build of Wattfolio syncs. Each
// vendor's package declares its registry.Descriptor; the list below is the
// one place that names them, and its order is the order the sources file's
// messages list the kinds in. Importing this package registers them.
package vendors

import (
	"wattfolio/sync/registry"
	"wattfolio/sync/vendors/enneo"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/otark"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/prosumer"
)

// All are the registered vendors, one line each.
var All = []registry.Descriptor{
	enneo.Descriptor,
	prosumer.Descriptor,
	otark.Descriptor,
	epilot.Descriptor,
	podero.Descriptor,
}

func init() { registry.Register(All...) }
