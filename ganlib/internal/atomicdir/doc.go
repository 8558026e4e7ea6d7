// Package atomicdir publishes a directory of files atomically: the files are
// written into a temporary directory beside the target (MkTemp), made durable
// (SyncTree), then renamed into place in one step and the parent synced
// (SyncDir). A reader sees either no directory or a complete one.
//
// Temporary and trash directories carry the writer's pid in their name
// (".tmp-<pid>-*", ".trash-<pid>-*"), so RemoveStale can delete those left by
// writers that were killed while leaving a live writer's alone.
//
// It is shared by ganlib's checkpoints and mnistclf's classifier cache; it
// has nothing to do with the GAN maths.
package atomicdir
