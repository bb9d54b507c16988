// A handler in a sub-folder that uses a package from node_modules.
'use strict';

const {greet} = require('greeting');

exports.handler = async (event) => ({module: 'withdep', text: greet(event.name)});
