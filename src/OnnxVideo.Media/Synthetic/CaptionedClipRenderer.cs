namespace OnnxVideo.Media;

/// <summary>
/// Renders a <see cref="CaptionScene"/> as rgb24 frames: a plain grey background with uniform noise; during the first
/// half of the frames only the first object is drawn, doing its motion, during the second half only the second. Moves
/// cover 40 % of the frame; growing scales the object from 0.6 to 1.5 times its size, shrinking the reverse.
/// </summary>
internal static class CaptionedClipRenderer
{
    public static void Render(CaptionScene scene, int size, int frames, int noise, Random rng, Span<byte> destination)
    {
        var grey = (byte)rng.Next(30, 80);
        var firstFrames = frames / 2;
        var first = Plan(scene.First, size, rng);
        var second = Plan(scene.Second, size, rng);
        var noiseState = (ulong)rng.NextInt64() | 1;
        var frameBytes = size * size * 3;
        for (var f = 0; f < frames; f++)
        {
            var frame = destination.Slice(f * frameBytes, frameBytes);
            frame.Fill(grey);
            var (plan, index, count) = f < firstFrames ? (first, f, firstFrames) : (second, f - firstFrames, frames - firstFrames);
            Draw(frame, size, plan, count > 1 ? (double)index / (count - 1) : 1);
            SyntheticClipRenderer.AddNoise(frame, noise, ref noiseState);
        }
    }

    private readonly record struct ObjectPlan(CaptionEvent Event, double X, double Y, double Radius, double Travel, (byte R, byte G, byte B) Colour);

    private static ObjectPlan Plan(CaptionEvent e, int size, Random rng)
    {
        var s = (double)size;
        var radius = s * (0.14 + 0.03 * rng.NextDouble());
        var travel = s * 0.4;
        // Room for the largest the object gets (1.5× while growing or shrinking) and for its travel.
        var margin = radius * 1.5 + 1;
        double Anywhere() => margin + rng.NextDouble() * Math.Max(0, s - 2 * margin);
        double Before(double extent) => margin + rng.NextDouble() * Math.Max(0, s - 2 * margin - extent);
        var (x, y) = e.Motion switch
        {
            CaptionMotion.MoveRight => (Before(travel), Anywhere()),
            CaptionMotion.MoveLeft => (s - Before(travel), Anywhere()),
            CaptionMotion.MoveDown => (Anywhere(), Before(travel)),
            CaptionMotion.MoveUp => (Anywhere(), s - Before(travel)),
            _ => (Anywhere(), Anywhere()),
        };
        return new ObjectPlan(e, x, y, radius, travel, Jitter(ColourOf(e.Colour), rng));
    }

    private static void Draw(Span<byte> frame, int size, ObjectPlan plan, double progress)
    {
        var (x, y, scale) = plan.Event.Motion switch
        {
            CaptionMotion.MoveRight => (plan.X + plan.Travel * progress, plan.Y, 1.0),
            CaptionMotion.MoveLeft => (plan.X - plan.Travel * progress, plan.Y, 1.0),
            CaptionMotion.MoveDown => (plan.X, plan.Y + plan.Travel * progress, 1.0),
            CaptionMotion.MoveUp => (plan.X, plan.Y - plan.Travel * progress, 1.0),
            CaptionMotion.Grow => (plan.X, plan.Y, 0.6 + 0.9 * progress),
            CaptionMotion.Shrink => (plan.X, plan.Y, 1.5 - 0.9 * progress),
            _ => throw new ArgumentOutOfRangeException(nameof(plan)),
        };
        var r = plan.Radius * scale;
        var shape = plan.Event.Shape;
        SyntheticClipRenderer.Fill(frame, size, x - r, y - r, x + r, y + r, plan.Colour, (px, py) => Inside(shape, px - x, py - y, r));
    }

    private static bool Inside(CaptionShape shape, double dx, double dy, double r) => shape switch
    {
        CaptionShape.Square => Math.Abs(dx) <= r * 0.85 && Math.Abs(dy) <= r * 0.85,
        CaptionShape.Circle => dx * dx + dy * dy <= r * r,
        // Apex up: the half width grows from 0 at the top to r at the bottom.
        _ => dy >= -r && dy <= r && Math.Abs(dx) <= (dy + r) / 2,
    };

    private static (byte R, byte G, byte B) ColourOf(CaptionColour colour) => colour switch
    {
        CaptionColour.Red => (220, 40, 40),
        CaptionColour.Green => (40, 190, 60),
        CaptionColour.Blue => (50, 90, 235),
        CaptionColour.Yellow => (235, 215, 40),
        _ => throw new ArgumentOutOfRangeException(nameof(colour)),
    };

    private static (byte R, byte G, byte B) Jitter((byte R, byte G, byte B) c, Random rng)
    {
        byte Shift(byte v) => (byte)Math.Clamp(v + rng.Next(-20, 21), 0, 255);
        return (Shift(c.R), Shift(c.G), Shift(c.B));
    }
}
