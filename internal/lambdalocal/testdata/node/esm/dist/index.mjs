// An ES module handler (.mjs) in a sub-folder, with top-level await.
const started = await Promise.resolve(Date.now());

export const handler = async (event, context) => ({
    module: 'esm',
    started: started > 0,
    requestId: context.awsRequestId,
    event,
});
