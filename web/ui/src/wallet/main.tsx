// The end-user wallet's entry, served at /wallet/ (src/web/ui.ts); it talks to /wallet/api (src/web/walletApi.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import './wallet.css';
import { App } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
