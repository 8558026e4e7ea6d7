// Package ganlib is the 2014 "Generative Adversarial Nets" paper in code.
package ganlib
