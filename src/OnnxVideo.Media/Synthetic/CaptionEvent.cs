namespace OnnxVideo.Media;

/// <summary>One event of a synthetic captioned clip: an object (colour, shape) and what it does.</summary>
internal readonly record struct CaptionEvent(CaptionColour Colour, CaptionShape Shape, CaptionMotion Motion)
{
    /// <summary>All colour × shape × motion events, in enum order.</summary>
    public static IReadOnlyList<CaptionEvent> All { get; } =
        (from colour in Enum.GetValues<CaptionColour>()
         from shape in Enum.GetValues<CaptionShape>()
         from motion in Enum.GetValues<CaptionMotion>()
         select new CaptionEvent(colour, shape, motion)).ToArray();
}
