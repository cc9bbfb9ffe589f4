namespace OnnxVideo.Media;

/// <summary>
/// Renders one clip of the <see cref="SyntheticPreset.Pretext"/> set as rgb24 frames: a striped or checkered
/// background, small squares drifting in random directions, and a main object (disc, ring or cross) whose
/// <see cref="PretextMotion"/> is the class, at a random speed, plus uniform pixel noise.
/// </summary>
internal static class PretextClipRenderer
{
    private enum Shape { Disc, Ring, Cross }

    private readonly record struct Square(double X, double Y, double Vx, double Vy, double Half, (byte R, byte G, byte B) Colour);

    public static void Render(PretextMotion motion, int size, int frames, int distractorCount, int noise, Random rng,
        Span<byte> destination)
    {
        var s = (double)size;
        // A low-contrast texture: the object, not the background, carries the signal.
        var light = SyntheticClipRenderer.RandomColour(rng);
        var dark = SyntheticClipRenderer.Mix(light, SyntheticClipRenderer.RandomColour(rng), 0.3);
        var checkered = rng.NextDouble() < 0.5;
        var period = s * (0.1 + 0.12 * rng.NextDouble());
        var colour = SyntheticClipRenderer.RandomColour(rng, contrastWith: SyntheticClipRenderer.Mix(light, dark, 0.5));
        var shape = (Shape)rng.Next(3);
        var radius = s * (0.15 + 0.05 * rng.NextDouble());
        var steps = Math.Max(1, frames - 1);
        // Moves cover 30–55 % of the frame (speed varies within a class); orbits turn 0.6–1.0 of a turn.
        var travel = s * (0.3 + 0.25 * rng.NextDouble());
        var turn = (0.6 + 0.4 * rng.NextDouble()) * 2 * Math.PI;
        var orbit = s * (0.15 + 0.1 * rng.NextDouble());
        var phase = rng.NextDouble() * 2 * Math.PI;
        var margin = radius + 1;
        double Free(double extent) => margin + rng.NextDouble() * Math.Max(0, s - 2 * margin - extent);
        var diagonal = travel / Math.Sqrt(2);
        var (x0, y0) = motion switch
        {
            PretextMotion.MoveUpRight => (Free(diagonal), s - Free(diagonal)),
            PretextMotion.MoveUpLeft => (s - Free(diagonal), s - Free(diagonal)),
            PretextMotion.MoveDownRight => (Free(diagonal), Free(diagonal)),
            PretextMotion.MoveDownLeft => (s - Free(diagonal), Free(diagonal)),
            PretextMotion.BounceHorizontal => (Free(travel), Free(0)),
            PretextMotion.BounceVertical => (Free(0), Free(travel)),
            _ => (s / 2 + (rng.NextDouble() - 0.5) * s * 0.1, s / 2 + (rng.NextDouble() - 0.5) * s * 0.1),
        };

        var squares = new Square[distractorCount];
        for (var i = 0; i < squares.Length; i++)
        {
            var direction = rng.NextDouble() * 2 * Math.PI;
            var speed = s * (0.01 + 0.02 * rng.NextDouble());
            squares[i] = new Square(rng.NextDouble() * s, rng.NextDouble() * s, speed * Math.Cos(direction), speed * Math.Sin(direction),
                s * (0.03 + 0.04 * rng.NextDouble()), SyntheticClipRenderer.RandomColour(rng));
        }

        var noiseState = (ulong)rng.NextInt64() | 1;
        var frameBytes = size * size * 3;
        for (var f = 0; f < frames; f++)
        {
            var p = (double)f / steps;
            var bounce = Math.Sin(Math.PI * p);
            var (cx, cy) = motion switch
            {
                PretextMotion.MoveUpRight => (x0 + diagonal * p, y0 - diagonal * p),
                PretextMotion.MoveUpLeft => (x0 - diagonal * p, y0 - diagonal * p),
                PretextMotion.MoveDownRight => (x0 + diagonal * p, y0 + diagonal * p),
                PretextMotion.MoveDownLeft => (x0 - diagonal * p, y0 + diagonal * p),
                // Image y points down, so a growing angle turns clockwise on screen.
                PretextMotion.OrbitClockwise => (x0 + orbit * Math.Cos(phase + turn * p), y0 + orbit * Math.Sin(phase + turn * p)),
                PretextMotion.OrbitCounterClockwise => (x0 + orbit * Math.Cos(phase - turn * p), y0 + orbit * Math.Sin(phase - turn * p)),
                PretextMotion.BounceHorizontal => (x0 + travel * bounce, y0),
                PretextMotion.BounceVertical => (x0, y0 + travel * bounce),
                _ => throw new ArgumentOutOfRangeException(nameof(motion)),
            };
            var frame = destination.Slice(f * frameBytes, frameBytes);
            PaintBackground(frame, size, light, dark, period, checkered);
            foreach (var q in squares)
            {
                var (qx, qy) = (SyntheticClipRenderer.Wrap(q.X + q.Vx * f, s), SyntheticClipRenderer.Wrap(q.Y + q.Vy * f, s));
                SyntheticClipRenderer.Fill(frame, size, qx - q.Half, qy - q.Half, qx + q.Half, qy + q.Half, q.Colour, (_, _) => true);
            }
            SyntheticClipRenderer.Fill(frame, size, cx - radius, cy - radius, cx + radius, cy + radius, colour,
                (x, y) => Inside(shape, x - cx, y - cy, radius));
            SyntheticClipRenderer.AddNoise(frame, noise, ref noiseState);
        }
    }

    private static void PaintBackground(Span<byte> frame, int size, (byte R, byte G, byte B) light, (byte R, byte G, byte B) dark,
        double period, bool checkered)
    {
        for (var y = 0; y < size; y++)
        {
            var row = (int)Math.Floor(y / period);
            for (var x = 0; x < size; x++)
            {
                var column = (int)Math.Floor(x / period);
                var odd = checkered ? ((row + column) & 1) == 1 : (column & 1) == 1;
                var (r, g, b) = odd ? dark : light;
                var o = (y * size + x) * 3;
                frame[o] = r;
                frame[o + 1] = g;
                frame[o + 2] = b;
            }
        }
    }

    private static bool Inside(Shape shape, double dx, double dy, double radius)
    {
        var d2 = dx * dx + dy * dy;
        return shape switch
        {
            Shape.Disc => d2 <= radius * radius,
            Shape.Ring => d2 <= radius * radius && d2 >= 0.36 * radius * radius,
            _ => (Math.Abs(dx) <= radius * 0.3 && Math.Abs(dy) <= radius) || (Math.Abs(dy) <= radius * 0.3 && Math.Abs(dx) <= radius),
        };
    }
}
