import type { Viewer } from "@/lib/auth/viewer";
import { Card, CardHeader } from "@/components/ui/card";

export async function EmailSection({ viewer }: { viewer: Viewer }) {
  void viewer;
  return (
    <Card aria-labelledby="email-section">
      <CardHeader title="Email settings" />
    </Card>
  );
}
