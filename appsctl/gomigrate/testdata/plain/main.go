// Command plain is a Go program without aws-lambda-go, for the tests.
package main

import "fmt"

func main() { fmt.Println("plain") }
