namespace OnnxVideo.Media;

/// <summary>Renders one synthetic clip as rgb24 frames: a gradient background, distractor discs drifting in random
/// directions (wrapping at the edges), a main convex shape (bar or triangle) whose motion is the class, and uniform
/// pixel noise.</summary>
internal static class SyntheticClipRenderer
{
    private readonly record struct Disc(double X, double Y, double Vx, double Vy, double Radius, byte R, byte G, byte B);

    public static void Render(MotionKind motion, int size, int frames, int distractorCount, int noise, Random rng,
        Span<byte> destination)
    {
        var s = (double)size;
        var (top, bottom) = (RandomColour(rng), RandomColour(rng));
        var shape = RandomColour(rng, contrastWith: Mix(top, bottom, 0.5));
        var triangle = rng.NextDouble() < 0.5;
        var length = s * (0.28 + 0.08 * rng.NextDouble());
        var width = length * (0.35 + 0.15 * rng.NextDouble());
        var angle0 = rng.NextDouble() * 2 * Math.PI;
        var steps = Math.Max(1, frames - 1);

        // Linear moves cover 35–55 % of the frame; growth ×1.8–2.5; rotation 6–14° per frame.
        var travel = s * (0.35 + 0.2 * rng.NextDouble());
        var growth = 1.8 + 0.7 * rng.NextDouble();
        var spin = (6 + 8 * rng.NextDouble()) * Math.PI / 180;
        var margin = length * 0.6;
        double Centre() => margin + rng.NextDouble() * Math.Max(0, s - 2 * margin);
        var (x0, y0) = motion switch
        {
            MotionKind.MoveRight => (margin + rng.NextDouble() * Math.Max(0, s - 2 * margin - travel), Centre()),
            MotionKind.MoveLeft => (s - margin - rng.NextDouble() * Math.Max(0, s - 2 * margin - travel), Centre()),
            MotionKind.MoveDown => (Centre(), margin + rng.NextDouble() * Math.Max(0, s - 2 * margin - travel)),
            MotionKind.MoveUp => (Centre(), s - margin - rng.NextDouble() * Math.Max(0, s - 2 * margin - travel)),
            _ => (s / 2 + (rng.NextDouble() - 0.5) * s * 0.2, s / 2 + (rng.NextDouble() - 0.5) * s * 0.2),
        };

        var discs = new Disc[distractorCount];
        for (var i = 0; i < discs.Length; i++)
        {
            var direction = rng.NextDouble() * 2 * Math.PI;
            var speed = s * (0.01 + 0.02 * rng.NextDouble());
            var c = RandomColour(rng);
            discs[i] = new Disc(rng.NextDouble() * s, rng.NextDouble() * s, speed * Math.Cos(direction),
                speed * Math.Sin(direction), s * (0.04 + 0.05 * rng.NextDouble()), c.R, c.G, c.B);
        }

        var noiseState = (ulong)rng.NextInt64() | 1;
        Span<double> px = stackalloc double[4];
        Span<double> py = stackalloc double[4];
        var frameBytes = size * size * 3;
        for (var f = 0; f < frames; f++)
        {
            var p = (double)f / steps;
            var (cx, cy, scale, angle) = motion switch
            {
                MotionKind.MoveRight => (x0 + travel * p, y0, 1.0, angle0),
                MotionKind.MoveLeft => (x0 - travel * p, y0, 1.0, angle0),
                MotionKind.MoveDown => (x0, y0 + travel * p, 1.0, angle0),
                MotionKind.MoveUp => (x0, y0 - travel * p, 1.0, angle0),
                MotionKind.Grow => (x0, y0, Math.Pow(growth, p) / growth * 1.25, angle0),
                MotionKind.Shrink => (x0, y0, Math.Pow(growth, 1 - p) / growth * 1.25, angle0),
                // Image y points down, so a growing angle turns clockwise on screen.
                MotionKind.RotateClockwise => (x0, y0, 1.0, angle0 + spin * f),
                MotionKind.RotateCounterClockwise => (x0, y0, 1.0, angle0 - spin * f),
                _ => throw new ArgumentOutOfRangeException(nameof(motion)),
            };
            var corners = Outline(triangle, length * scale, width * scale, cx, cy, angle, px, py);
            var frame = destination.Slice(f * frameBytes, frameBytes);
            for (var y = 0; y < size; y++)
            {
                var (r, g, b) = Mix(top, bottom, (y + 0.5) / size);
                var row = frame.Slice(y * size * 3, size * 3);
                for (var x = 0; x < size; x++)
                {
                    row[x * 3] = r;
                    row[x * 3 + 1] = g;
                    row[x * 3 + 2] = b;
                }
            }
            foreach (var d in discs)
            {
                var dx0 = Wrap(d.X + d.Vx * f, s);
                var dy0 = Wrap(d.Y + d.Vy * f, s);
                Fill(frame, size, dx0 - d.Radius, dy0 - d.Radius, dx0 + d.Radius, dy0 + d.Radius, (d.R, d.G, d.B),
                    (x, y) => (x - dx0) * (x - dx0) + (y - dy0) * (y - dy0) <= d.Radius * d.Radius);
            }
            var (xs, ys) = (px[..corners].ToArray(), py[..corners].ToArray());
            Fill(frame, size, xs.Min(), ys.Min(), xs.Max(), ys.Max(), shape, (x, y) => Inside(x, y, xs, ys));
            AddNoise(frame, noise, ref noiseState);
        }
    }

    /// <summary>Uniform noise in ±<paramref name="noise"/> levels from a xorshift state (cheap and deterministic).</summary>
    internal static void AddNoise(Span<byte> frame, int noise, ref ulong state)
    {
        if (noise <= 0)
        {
            return;
        }
        for (var i = 0; i < frame.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            var delta = (int)(state % (ulong)(2 * noise + 1)) - noise;
            frame[i] = (byte)Math.Clamp(frame[i] + delta, 0, 255);
        }
    }

    /// <summary>Paints the pixels whose centres are inside the box and satisfy <paramref name="inside"/>.</summary>
    internal static void Fill(Span<byte> frame, int size, double x0, double y0, double x1, double y1,
        (byte R, byte G, byte B) colour, Func<double, double, bool> inside)
    {
        var (left, right) = (Math.Max(0, (int)Math.Floor(x0)), Math.Min(size - 1, (int)Math.Ceiling(x1)));
        var (top, bottom) = (Math.Max(0, (int)Math.Floor(y0)), Math.Min(size - 1, (int)Math.Ceiling(y1)));
        for (var y = top; y <= bottom; y++)
        {
            for (var x = left; x <= right; x++)
            {
                if (inside(x + 0.5, y + 0.5))
                {
                    var o = (y * size + x) * 3;
                    frame[o] = colour.R;
                    frame[o + 1] = colour.G;
                    frame[o + 2] = colour.B;
                }
            }
        }
    }

    private static int Outline(bool triangle, double length, double width, double cx, double cy, double angle,
        Span<double> px, Span<double> py)
    {
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
        ReadOnlySpan<(double U, double V)> local = triangle
            ? [(length / 2, 0), (-length / 2, width / 2), (-length / 2, -width / 2)]
            : [(length / 2, width / 2), (-length / 2, width / 2), (-length / 2, -width / 2), (length / 2, -width / 2)];
        for (var i = 0; i < local.Length; i++)
        {
            px[i] = cx + local[i].U * cos - local[i].V * sin;
            py[i] = cy + local[i].U * sin + local[i].V * cos;
        }
        return local.Length;
    }

    /// <summary>Point in a convex polygon: on the same side of every edge.</summary>
    private static bool Inside(double x, double y, ReadOnlySpan<double> px, ReadOnlySpan<double> py)
    {
        var sign = 0;
        for (var i = 0; i < px.Length; i++)
        {
            var j = (i + 1) % px.Length;
            var cross = (px[j] - px[i]) * (y - py[i]) - (py[j] - py[i]) * (x - px[i]);
            var side = Math.Sign(cross);
            if (side == 0)
            {
                continue;
            }
            if (sign == 0)
            {
                sign = side;
            }
            else if (side != sign)
            {
                return false;
            }
        }
        return true;
    }

    internal static double Wrap(double v, double s) => ((v % s) + s) % s;

    internal static (byte R, byte G, byte B) RandomColour(Random rng, (byte R, byte G, byte B)? contrastWith = null)
    {
        while (true)
        {
            (byte R, byte G, byte B) c = ((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));
            if (contrastWith is not { } other || Math.Abs(c.R - other.R) + Math.Abs(c.G - other.G) + Math.Abs(c.B - other.B) > 200)
            {
                return c;
            }
        }
    }

    internal static (byte R, byte G, byte B) Mix((byte R, byte G, byte B) a, (byte R, byte G, byte B) b, double t) =>
        ((byte)(a.R + (b.R - a.R) * t), (byte)(a.G + (b.G - a.G) * t), (byte)(a.B + (b.B - a.B) * t));
}
