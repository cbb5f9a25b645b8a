#!/usr/bin/env node
// Launcher only: the program lives in dist/ (built by `npm install` via the prepare script).
import { main } from '../dist/cli/main.js'

await main(process.argv)
