// Electron shell (placeholder until the workstation shell lands).
import { app } from 'electron';

app.whenReady().then(() => app.quit());
