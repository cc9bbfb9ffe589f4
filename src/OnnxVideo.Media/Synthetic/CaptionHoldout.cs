namespace OnnxVideo.Media;

/// <summary>
/// The attribute combinations kept out of the training split of the synthetic caption set: colour–shape pairs (no red
/// circle is ever seen in training, though red things and circles are) and shape–motion pairs (no square grows). A
/// clip is held out when either of its events has such a pair; val/ and test/ hold only such clips, so they measure
/// whether a model composes attributes it saw apart.
/// </summary>
internal sealed record CaptionHoldout(
    IReadOnlyList<(CaptionColour Colour, CaptionShape Shape)> ColourShape,
    IReadOnlyList<(CaptionShape Shape, CaptionMotion Motion)> ShapeMotion)
{
    public static CaptionHoldout Default { get; } = new(
        [(CaptionColour.Red, CaptionShape.Circle), (CaptionColour.Blue, CaptionShape.Triangle)],
        [(CaptionShape.Square, CaptionMotion.Grow), (CaptionShape.Circle, CaptionMotion.MoveUp)]);

    public bool IsHeldOut(CaptionEvent e) =>
        ColourShape.Contains((e.Colour, e.Shape)) || ShapeMotion.Contains((e.Shape, e.Motion));

    /// <summary>One line per held-out pair, e.g. "colour-shape: red circle", "shape-motion: square grows".</summary>
    public IEnumerable<string> Describe() =>
        ColourShape.Select(p => $"colour-shape: {CaptionGrammar.Word(p.Colour)} {CaptionGrammar.Word(p.Shape)}")
            .Concat(ShapeMotion.Select(p => $"shape-motion: {CaptionGrammar.Word(p.Shape)} {CaptionGrammar.Verb(p.Motion)}"));
}
