// Package lambdalocal is a local stand-in for AWS Lambda that runs real
// handler binaries built with github.com/aws/aws-lambda-go, and Node.js
// handlers with the machine's node.
//
// A [Server] speaks three HTTP dialects on one address:
//
//   - the Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations)
//     with the RequestResponse, Event and DryRun invocation types, AWS-shaped
//     errors, payload limits, timeouts and a per-function concurrency limit;
//   - the part of the Lambda control plane needed to deploy code with the
//     normal AWS SDK (CreateFunction, UpdateFunctionCode,
//     UpdateFunctionConfiguration, GetFunction, GetFunctionConfiguration,
//     DeleteFunction and the reserved-concurrency calls). When a fallback
//     (usually moto) is configured these requests are forwarded to it as well,
//     so that ARNs, ListFunctions and IAM role checks stay consistent, and the
//     fallback's answer is returned;
//   - a small control API for tests under /local/.
//
// Every other request is reverse-proxied to the fallback, or answered 404.
//
// Each invocation is executed by a handler process started from the
// function's code (the "bootstrap" executable of provided.* runtimes, the
// handler executable of the legacy go1.x runtime, or, for nodejs* runtimes,
// node running lambda-local's own runtime client, nodebootstrap/runtime.mjs,
// which loads the handler named by _HANDLER). Every process gets its own
// Lambda Runtime API endpoint (GET /2018-06-01/runtime/invocation/next and
// friends) on a loopback port, exactly as on AWS, and handles one invocation
// at a time. Processes are started lazily, reused while healthy, killed on
// timeout and replaced after a crash.
package lambdalocal
