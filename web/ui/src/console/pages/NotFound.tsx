// Any console path no page claims (or an admin page for a developer without the admin role).
import { Link, usePageTitle } from '../../shared/router';

export function NotFound() {
  usePageTitle('Not found');
  return (
    <main id="main" className="page narrow">
      <h1>Page not found</h1>
      <p>
        There is no console page here. <Link to="/apps">Back to your apps</Link>
      </p>
    </main>
  );
}
