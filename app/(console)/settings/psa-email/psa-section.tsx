import type { Viewer } from "@/lib/auth/viewer";
import { Card, CardHeader } from "@/components/ui/card";

export async function PsaSection({ viewer }: { viewer: Viewer }) {
  void viewer;
  return (
    <Card aria-labelledby="psa-section">
      <CardHeader title="PSA" />
    </Card>
  );
}
