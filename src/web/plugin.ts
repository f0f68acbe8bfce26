// The hosted pages: sign up, sign in, sign out, email verification, password reset, the account page with its
// granted apps, the stylesheet and (sandbox only) the development mailbox. Server-rendered HTML that works
// without JavaScript; page handlers call core/identity and render, nothing else. Also the wallet's JSON API
// (walletApi.ts), on the same session cookie.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { accountRoutes } from './account.js';
import { emailLinkRoutes } from './emailLinks.js';
import { mailboxRoutes } from './mailbox.js';
import { signInRoutes } from './signIn.js';
import { signUpRoutes } from './signUp.js';
import { stylesheetRoute } from './styles.js';
import { walletApiRoutes } from './walletApi.js';

export const webPages = async (app: FastifyInstance, services: Services): Promise<void> => {
  stylesheetRoute(app);
  signUpRoutes(app, services);
  signInRoutes(app, services);
  emailLinkRoutes(app, services);
  accountRoutes(app, services);
  mailboxRoutes(app, services);
  walletApiRoutes(app, services);
};
