// Not valid JavaScript on purpose.
exports.handler = async (event) => {
    return {ok: true
};
