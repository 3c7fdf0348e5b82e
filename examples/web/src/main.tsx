import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, OpenFeatureProvider } from '@openfeature/react-sdk';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, MissingSettings } from './App';
import { readSettings, visitorId } from './settings';

const settings = readSettings(import.meta.env);
const root = createRoot(document.getElementById('root')!);

if (!settings.ok) {
  root.render(<MissingSettings problems={settings.problems} />);
} else {
  // The context first, so the provider's first bulk evaluation is already this visitor's.
  await OpenFeature.setContext({ targetingKey: visitorId() });
  // One bulk evaluation, cached in the browser; the answer names an event stream, and a change
  // pushed there makes the provider re-fetch and the hooks below re-render: no reload, no polling.
  OpenFeature.setProvider(
    new OFREPWebProvider({ baseUrl: settings.baseUrl, headers: [['Authorization', `Bearer ${settings.sdkKey}`]] }),
  );
  root.render(
    <StrictMode>
      <OpenFeatureProvider>
        <App evaluatorUrl={settings.baseUrl} />
      </OpenFeatureProvider>
    </StrictMode>,
  );
}
