// The console's entry: mounts the app under /console.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import './console.css';
import { setBase } from '../shared/router';
import { App } from './App';

setBase('/console');
const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
