namespace OnnxVideo.Media;

/// <summary>
/// The small grammar of the synthetic captions: three paraphrases of each scene, "a red square moves left then a blue
/// circle grows", "first a red square moves left and then a blue circle grows" and "a red square slides left then a
/// blue circle gets bigger". Lower case, single spaces, no punctuation (already in the captions' normal form).
/// </summary>
internal static class CaptionGrammar
{
    public static string Word(CaptionColour colour) => colour.ToString().ToLowerInvariant();

    public static string Word(CaptionShape shape) => shape.ToString().ToLowerInvariant();

    public static string Verb(CaptionMotion motion) => motion switch
    {
        CaptionMotion.MoveLeft => "moves left",
        CaptionMotion.MoveRight => "moves right",
        CaptionMotion.MoveUp => "moves up",
        CaptionMotion.MoveDown => "moves down",
        CaptionMotion.Grow => "grows",
        CaptionMotion.Shrink => "shrinks",
        _ => throw new ArgumentOutOfRangeException(nameof(motion)),
    };

    private static string AlternativeVerb(CaptionMotion motion) => motion switch
    {
        CaptionMotion.MoveLeft => "slides left",
        CaptionMotion.MoveRight => "slides right",
        CaptionMotion.MoveUp => "slides up",
        CaptionMotion.MoveDown => "slides down",
        CaptionMotion.Grow => "gets bigger",
        CaptionMotion.Shrink => "gets smaller",
        _ => throw new ArgumentOutOfRangeException(nameof(motion)),
    };

    public static string[] Captions(CaptionScene scene)
    {
        string Event(CaptionEvent e, bool alternative) =>
            $"a {Word(e.Colour)} {Word(e.Shape)} {(alternative ? AlternativeVerb(e.Motion) : Verb(e.Motion))}";
        return
        [
            $"{Event(scene.First, false)} then {Event(scene.Second, false)}",
            $"first {Event(scene.First, false)} and then {Event(scene.Second, false)}",
            $"{Event(scene.First, true)} then {Event(scene.Second, true)}",
        ];
    }
}
